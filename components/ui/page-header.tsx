import type { ReactNode } from "react";

export function PageHeader({
  path,
  title,
  children,
}: {
  path: string[];
  title: string;
  children?: ReactNode;
}) {
  return (
    <header>
      <div className="breadcrumb">{path.join(" › ")}</div>
      <h1>{title}</h1>
      {children}
    </header>
  );
}
