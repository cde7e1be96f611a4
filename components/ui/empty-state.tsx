import type { ReactNode } from "react";

/** An honest empty state: says what will be here and what it depends on; nothing fake. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="panel empty" aria-label={title}>
      <strong>{title}</strong>
      {children}
    </section>
  );
}
