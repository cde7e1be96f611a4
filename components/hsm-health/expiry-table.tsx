import Link from "next/link";
import type { HsmHealthPicture } from "@/lib/schemas/hsm-health";

function tone(daysLeft: number | null): string {
  if (daysLeft === null) return "";
  if (daysLeft < 0) return "failure";
  return daysLeft < 30 ? "warning" : "success";
}

/** Certificates whose keys are in this group, soonest expiry first. */
export function ExpiryTable({ certificates }: { certificates: HsmHealthPicture["certificates"] }) {
  const sorted = [...certificates].sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity));
  return (
    <section className="panel" aria-label="Certificate expiry">
      <h2>Certificate expiry</h2>
      {sorted.length === 0 ? (
        <p className="hint">No certificate has its key in this group.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Certificate</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Days left</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/templates/security/ssl-certificates/${c.id}`}>{c.name}</Link>
                </td>
                <td>{c.status}</td>
                <td>{c.notAfter ? new Date(c.notAfter).toLocaleDateString() : "—"}</td>
                <td>
                  {c.daysLeft === null ? (
                    "—"
                  ) : (
                    <span className={`badge ${tone(c.daysLeft)}`}>{c.daysLeft}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
