"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { flagList, protectionSummary } from "@/lib/key-flags";
import type { Certificate } from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";

/** Where the key lives (each member, its protection as that member's token reports it) and "Test key". */
export function KeyPanel({ c }: { c: Certificate }) {
  const trpc = useTRPC();
  const holders = useQuery({
    ...trpc.certificates.keyHolders.queryOptions({ id: c.id }),
    enabled: !!c.hsmGroupId,
  });
  const test = useMutation(trpc.certificates.testKey.mutationOptions());
  return (
    <section className="panel" aria-label="Key">
      <strong>Key</strong>
      {c.hsmGroupId && (
        <table aria-label="HSM members holding the key">
          <thead>
            <tr>
              <th>Member</th>
              <th>Holds the key</th>
              <th>Protection</th>
            </tr>
          </thead>
          <tbody>
            {holders.data?.members.map((m) => (
              <tr key={m.member}>
                <td>{m.member}</td>
                <td>{m.error ? `Unreachable: ${m.error}` : m.holds ? "Yes" : "No"}</td>
                <td>
                  {m.flags && (
                    <>
                      {protectionSummary(m.flags)}
                      {m.cloneable && <strong className="badge failure"> cloneable</strong>}
                      <br />
                      <small>{flagList(m.flags)}</small>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {holders.data?.cloneable && <p role="alert">{holders.data.cloneableMeaning}</p>}
      <div className="actions">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate({ id: c.id })}>
          {test.isPending ? "Testing…" : "Test key"}
        </button>
      </div>
      <FormError message={test.error?.message} />
      {test.data && (
        <ul aria-label="Key test results">
          {test.data.results.map((r) => (
            <li key={r.member}>
              <span className={`badge ${r.ok ? "success" : "failure"}`}>{r.ok ? "OK" : "Failed"}</span>{" "}
              {r.member}: {r.detail}
              {r.signMs !== null ? ` (${r.signMs.toFixed(1)} ms)` : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
