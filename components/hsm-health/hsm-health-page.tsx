"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { ExpiryTable } from "./expiry-table";
import { MemberHealth } from "./member-health";
import { WorkersTable } from "./workers-table";

/** The HSM health picture of one group, refreshed every 30 s (the samples are per minute). */
export function HsmHealthPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const picture = useQuery({
    ...trpc.hsmGroupActions.healthPicture.queryOptions({ id }),
    refetchInterval: 30_000,
  });
  if (picture.isError) return <FormError message={describeError(picture.error).message} />;
  const p = picture.data;
  if (!p) return <p>Loading…</p>;
  return (
    <>
      <section className="panel" aria-label="Group">
        <dl>
          <dt>HSM group</dt>
          <dd>{p.name}</dd>
          <dt>HA</dt>
          <dd>{p.isHa ? `On, ${p.members.length} members` : "Off"}</dd>
          <dt>Updated</dt>
          <dd>{new Date(p.generatedAt).toLocaleTimeString()}</dd>
        </dl>
        <p className="hint">
          Latency and operations come from this group's PKCS#11 calls and from the health probes (the HSM
          groups list measures every member every 30 s while it is open), kept for a day.
        </p>
      </section>
      {p.members.map((m) => (
        <MemberHealth
          key={m.serverId}
          member={m}
          bucketMinutes={{ hour: p.hourBucketMinutes, day: p.dayBucketMinutes }}
        />
      ))}
      <WorkersTable workers={p.workers} />
      <ExpiryTable certificates={p.certificates} />
    </>
  );
}
