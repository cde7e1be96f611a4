import type { HsmHealthPicture } from "@/lib/schemas/hsm-health";
import { LineChart } from "./line-chart";

type Member = HsmHealthPicture["members"][number];

function totals(points: Member["hour"]) {
  return points.reduce((t, p) => ({ ops: t.ops + p.ops, errors: t.errors + p.errors }), {
    ops: 0,
    errors: 0,
  });
}

type Point = Member["hour"][number];

/** The member's charts: latency (operations' mean, probes') and operation rate, last hour and day. */
function charts(minutes: { hour: number; day: number }) {
  return [
    {
      title: "Latency, last hour (mean per operation)",
      unit: "ms",
      range: "hour",
      value: (p: Point) => p.avgMs,
    },
    {
      title: `Operations per ${minutes.hour} min, last hour`,
      unit: "ops",
      range: "hour",
      value: (p: Point) => p.ops,
    },
    {
      title: "Latency, last day (mean per operation)",
      unit: "ms",
      range: "day",
      value: (p: Point) => p.avgMs,
    },
    {
      title: `Operations per ${minutes.day} min, last day`,
      unit: "ops",
      range: "day",
      value: (p: Point) => p.ops,
    },
    { title: "Health probe latency, last day", unit: "ms", range: "day", value: (p: Point) => p.probeMs },
  ] as const;
}

/**
 * One member's picture: the last probe, then latency (operations' mean, probes') and operation
 * rate over the last hour and the last day.
 */
export function MemberHealth({
  member,
  bucketMinutes,
}: {
  member: Member;
  bucketMinutes: { hour: number; day: number };
}) {
  const hour = totals(member.hour);
  const day = totals(member.day);
  const probe = member.lastProbe;
  return (
    <section className="panel" aria-label={`Member ${member.server}`}>
      <h2>{member.server}</h2>
      <p>
        {probe ? (
          <>
            <span className={`badge ${probe.ok ? "success" : "failure"}`}>
              {probe.ok ? "answered" : "did not answer"}
            </span>{" "}
            last probe {new Date(probe.at).toLocaleTimeString()}
            {probe.ms !== null && ` · ${probe.ms} ms`}
          </>
        ) : (
          <span className="hint">No health probe in the last day.</span>
        )}
      </p>
      <p className="hint">
        Last hour: {hour.ops} operations, {hour.errors} failed · last day: {day.ops} operations, {day.errors}{" "}
        failed
      </p>
      <div className="chart-grid-2">
        {charts(bucketMinutes).map((c) => (
          <LineChart
            key={c.title}
            title={c.title}
            unit={c.unit}
            values={member[c.range].map(c.value)}
            from={c.range === "hour" ? "60 min ago" : "24 h ago"}
            to="now"
          />
        ))}
      </div>
    </section>
  );
}
