"use client";

import { useQuery } from "@tanstack/react-query";
import type { FieldError, UseFormRegisterReturn } from "react-hook-form";
import { useTRPC } from "@/lib/trpc/client";
import { FieldFrame } from "../ui/field-frame";

interface Props {
  registration: UseFormRegisterReturn;
  error?: FieldError;
  /** The group's saved library: still shown when the installation no longer allows it. */
  current?: string;
  /** The built-in group: its library is the only choice (a disabled select would not be submitted). */
  fixed?: boolean;
}

/** The PKCS#11 libraries the installation allows: a choice, never a typed path. */
export function LibrarySelect({ registration, error, current, fixed }: Props) {
  const trpc = useTRPC();
  const all = useQuery(trpc.hsmGroups.libraries.queryOptions()).data ?? [];
  const offered = fixed ? all.filter((l) => l.path === current) : all;
  const stale = current && !offered.some((l) => l.path === current) ? current : null;
  return (
    <FieldFrame
      id="hsm-module"
      label="PKCS#11 library"
      error={error}
      hint="The libraries this installation allows. The host's administrator declares others in pkcs11-libraries.json in the data folder (see the README)."
    >
      {(description) => (
        <select id="hsm-module" {...description} {...registration}>
          <option value="">Choose a library…</option>
          {offered.map((l) => (
            <option key={l.path} value={l.path}>
              {l.label} ({l.path})
            </option>
          ))}
          {stale && <option value={stale}>{stale} (not allowed by this installation)</option>}
        </select>
      )}
    </FieldFrame>
  );
}
