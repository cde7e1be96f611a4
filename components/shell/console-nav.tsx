"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { MENU } from "./menu";

export function ConsoleNav() {
  const pathname = usePathname();
  return (
    <nav className="shell-nav" aria-label="Main menu">
      <Link href="/" className="brand">
        HSM Console
      </Link>
      {MENU.map((section) => (
        <div key={section.label}>
          <div className="menu-group">{section.label}</div>
          {section.groups.map((group) => (
            <div key={`${section.label}-${group.label ?? "root"}`}>
              {group.label && <div className="menu-sub">{group.label}</div>}
              {group.links.map((link) => (
                <Link
                  key={link.href}
                  href={link.href}
                  className="menu-link"
                  aria-current={pathname.startsWith(link.href) ? "page" : undefined}
                >
                  {link.label}
                </Link>
              ))}
            </div>
          ))}
        </div>
      ))}
    </nav>
  );
}
