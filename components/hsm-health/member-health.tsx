import type { HsmHealthPicture } from "@/lib/schemas/hsm-health";
import { LineChart } from "./line-chart";

type Member = HsmHealthPicture["members"][number];

function totals(points: Member["hour"]) {
  return points.reduce((t, p) => ({ ops: t.ops + p.ops, errors: t.errors + p.errors }), {
    ops: 0,
    errors: 0,
  });
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
        <LineChart
          title="Latency, last hour (mean per operation)"
          unit="ms"
          values={member.hour.map((p) => p.avgMs)}
          from="60 min ago"
          to="now"
        />
        <LineChart
          title={`Operations per ${bucketMinutes.hour} min, last hour`}
          unit="ops"
          values={member.hour.map((p) => p.ops)}
          from="60 min ago"
          to="now"
        />
        <LineChart
          title="Latency, last day (mean per operation)"
          unit="ms"
          values={member.day.map((p) => p.avgMs)}
          from="24 h ago"
          to="now"
        />
        <LineChart
          title={`Operations per ${bucketMinutes.day} min, last day`}
          unit="ops"
          values={member.day.map((p) => p.ops)}
          from="24 h ago"
          to="now"
        />
        <LineChart
          title="Health probe latency, last day"
          unit="ms"
          values={member.day.map((p) => p.probeMs)}
          from="24 h ago"
          to="now"
        />
      </div>
    </section>
  );
}
