"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

const COLORS = { expired: "#c0392b", expiring: "#d68910", good: "#1e8449", "not-yet-valid": "#888" } as const;

/** Active certificates per expiry horizon, as plain SVG bars. */
export function ExpiryTimeline() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.certificates.timeline.queryOptions());
  if (!data) return null;
  const max = Math.max(1, ...data.buckets.map((b) => b.count));
  const width = 120;
  return (
    <section className="panel" aria-label="Expiry timeline">
      <strong>Expiry timeline</strong>
      <svg
        role="img"
        aria-label="Certificates by time to expiry"
        width={data.buckets.length * width}
        height={130}
      >
        {data.buckets.map((b, i) => {
          const h = Math.round((b.count / max) * 80);
          return (
            <g key={b.label} transform={`translate(${i * width}, 0)`}>
              <rect x={20} y={95 - h} width={60} height={h} fill={COLORS[b.state]} />
              <text x={50} y={90 - h} textAnchor="middle" fontSize="12">
                {b.count}
              </text>
              <text x={50} y={115} textAnchor="middle" fontSize="11">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      {data.soonest.length > 0 && (
        <p className="hint">
          Next to expire:{" "}
          {data.soonest
            .slice(0, 3)
            .map((s) => `${s.name} (${new Date(s.notAfter).toLocaleDateString()})`)
            .join(", ")}
        </p>
      )}
    </section>
  );
}
