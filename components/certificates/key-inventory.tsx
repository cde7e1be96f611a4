"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";
import { useUrlState } from "../ui/use-url-state";

const DEFAULTS = { group: "" };

const KIND_LABELS = {
  certificate: "Certificate key",
  orphan: "Orphan (made by this console, no certificate)",
  foreign: "Not made by this console",
  pending: "No verdict",
} as const;

/** Per HSM group: key objects on each member matched to certificates (?group= picks the group). */
export function KeyInventory() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.certificates.hsmGroupChoices.queryOptions());
  const [{ group }, setUrl] = useUrlState(DEFAULTS);
  const known = groups.data?.some((g) => g.id === group);
  const selected = (known ? group : groups.data?.[0]?.id) ?? "";
  const inventory = useQuery({
    ...trpc.certificates.inventory.queryOptions({ hsmGroupId: selected }),
    enabled: !!selected,
  });
  const remove = useMutation(
    trpc.certificates.removeOrphan.mutationOptions({ onSettled: () => inventory.refetch() }),
  );
  const data = inventory.data;
  return (
    <>
      <label htmlFor="inv-group">HSM group</label>
      <select id="inv-group" value={selected} onChange={(e) => setUrl({ group: e.target.value })}>
        {groups.data?.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      <FormError message={inventory.error?.message ?? remove.error?.message} />
      {data && !data.complete && (
        <div className="alert error">
          Partial view — no verdict is given:{" "}
          {data.unreachable.map((u) => `${u.member} (${u.error})`).join(", ")}
        </div>
      )}
      {data && (
        <table aria-label="Key objects">
          <thead>
            <tr>
              <th>Label</th>
              <th>CKA_ID</th>
              <th>Kind</th>
              <th>Certificate</th>
              <th>Members</th>
              <th>Missing on</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            {data.keys.map((k) => (
              <tr key={k.idHex}>
                <td>{k.label}</td>
                <td>
                  <code>{k.idHex}</code>
                </td>
                <td>
                  {KIND_LABELS[k.kind]}
                  {!k.objects.includes("private-key") && ` (${k.objects.join(", ")} only)`}
                </td>
                <td>{k.certificateName ?? "—"}</td>
                <td>{k.members.join(", ")}</td>
                <td>{k.missingOn.join(", ") || "—"}</td>
                <td>
                  {k.removable ? (
                    <ConfirmButton
                      title={`Destroy orphan key ${k.label}?`}
                      consequence={
                        <p>
                          Destroys the key objects on {k.members.join(" and ")}. No certificate uses this key;
                          this cannot be undone.
                        </p>
                      }
                      typeToConfirm={k.label}
                      confirmLabel={`Delete key ${k.label}`}
                      onConfirm={() => remove.mutate({ hsmGroupId: selected, idHex: k.idHex })}
                    >
                      Remove orphan {k.label}
                    </ConfirmButton>
                  ) : k.kind === "orphan" ? (
                    `Removable after the grace period (${data.graceSeconds} s)`
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.missingKeys.length > 0 && (
        <div className="alert error">
          Certificates whose key is missing: {data.missingKeys.map((m) => m.name).join(", ")}
        </div>
      )}
    </>
  );
}
