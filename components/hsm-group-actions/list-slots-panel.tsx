"use client";

import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";

/**
 * "List slots": the table of `vtl listSlots` per server, numbered as vtl numbers them: slot #1, #2…
 * across every server of the group (the PKCS#11 slot ids are the library's, not the admin's).
 */
export function ListSlotsPanel({ id }: { id: string }) {
  const trpc = useTRPC();
  const list = useMutation(trpc.hsmGroupActions.listSlots.mutationOptions());
  return (
    <section className="panel" aria-label="List slots">
      <h2>List slots</h2>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={list.isPending}
          onClick={() => list.mutate({ id })}
        >
          {list.isPending ? "Listing slots…" : "List slots"}
        </button>
      </div>
      <FormError message={list.error ? describeError(list.error).message : null} />
      {list.data && <p>Number of slots: {list.data.servers.reduce((n, s) => n + s.slots.length, 0)}</p>}
      {list.data?.servers.map((server, i, servers) => (
        <div key={server.serverId}>
          <h3>{server.server}</h3>
          {server.error ? (
            <div className="alert error">{server.error}</div>
          ) : (
            <table aria-label={`Slots of ${server.server}`}>
              <thead>
                <tr>
                  <th>Slot #</th>
                  <th>Description</th>
                  <th>Label</th>
                  <th>Serial #</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {server.slots.map((slot, j) => (
                  <tr key={slot.slot}>
                    <td>slot #{servers.slice(0, i).reduce((n, s) => n + s.slots.length, 0) + j + 1}</td>
                    <td>{slot.description || "—"}</td>
                    <td>{slot.label || "—"}</td>
                    <td>{slot.serial || "—"}</td>
                    <td>{slot.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}
