"use client";

import { useState } from "react";
import { AUDIT_OUTCOMES } from "@/lib/schemas/audit";

export interface AuditFilterValues {
  actor?: string;
  action?: string;
  objectType?: string;
  outcome?: (typeof AUDIT_OUTCOMES)[number];
}

export function AuditFilters({
  initial,
  onApply,
}: {
  initial: AuditFilterValues;
  onApply: (values: AuditFilterValues) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(Object.entries(initial).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );
  const set = (key: string) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));
  return (
    <form
      className="panel filters"
      aria-label="Audit filters"
      onSubmit={(e) => {
        e.preventDefault();
        const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ""));
        onApply(clean as AuditFilterValues);
      }}
    >
      <div>
        <label htmlFor="f-actor">User</label>
        <input id="f-actor" defaultValue={initial.actor} onChange={set("actor")} />
      </div>
      <div>
        <label htmlFor="f-action">Action</label>
        <input id="f-action" defaultValue={initial.action} onChange={set("action")} />
      </div>
      <div>
        <label htmlFor="f-object">Object type</label>
        <input id="f-object" defaultValue={initial.objectType} onChange={set("objectType")} />
      </div>
      <div>
        <label htmlFor="f-outcome">Outcome</label>
        <select id="f-outcome" onChange={set("outcome")} defaultValue={initial.outcome ?? ""}>
          <option value="">Any</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Filter</button>
    </form>
  );
}
