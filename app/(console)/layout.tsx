import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/shell/console-nav";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { ROLE_LABELS } from "@/lib/roles";
import { currentUserOrRedirect } from "@/server/auth/current-user";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const state = await currentUserOrRedirect();
  if ("redirect" in state) redirect(state.redirect);
  const { user } = state;
  return (
    <div className="shell">
      {/* First in the tab order: keyboard users skip the menu. */}
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <ConsoleNav />
      <div className="shell-main">
        <header className="topbar">
          <span>
            Tenant: <strong>{user.tenantName}</strong>
          </span>
          <span>
            <span className="who">
              {user.username} · {ROLE_LABELS[user.role]}
            </span>
            <SignOutButton />
          </span>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
