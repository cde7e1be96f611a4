"use client";

import { useQuery } from "@tanstack/react-query";
import type { BackupContents } from "@/lib/schemas/backup";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";

/** The console's listener serves it (server/http/backup-download.ts), not Next. */
const BACKUP_PATH = "/api/fileservice/backup";

function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function Contents({ data }: { data: BackupContents }) {
  return (
    <dl aria-label="Backup contents">
      <dt>Database</dt>
      <dd>
        {data.database.kind === "pglite" ? "Embedded PGlite (a consistent copy)" : "PostgreSQL (pg_dump)"}, at
        migration {data.database.lastMigration ?? "none"} ({data.database.migrationsApplied} applied), with
        every tenant&apos;s configuration, users, audit log and the uploaded HSM packages
      </dd>
      <dt>Local-SoftHSM tokens</dt>
      <dd>
        {data.localTokens.length === 0
          ? "None"
          : data.localTokens
              .map((t) => `${t.label} (serial ${t.serial}): ${t.files} files, ${bytes(t.bytes)}`)
              .join("; ")}
        . Token objects stay encrypted by the token&apos;s PINs.
      </dd>
      <dt>Console TLS certificate</dt>
      <dd>{data.consoleTls ? "Yes (its key sealed with the master key)" : "No (made again at start)"}</dd>
      <dt>PKCS#11 library allow-list</dt>
      <dd>{data.libraryAllowList ? "Yes (pkcs11-libraries.json)" : "None in the data folder"}</dd>
    </dl>
  );
}

function Packages({ packages }: { packages: BackupContents["packages"] }) {
  if (packages.length === 0) return <p>No HSM packages uploaded.</p>;
  return (
    <table aria-label="HSM packages in the backup">
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Type</th>
          <th scope="col">Version</th>
          <th scope="col">Size</th>
        </tr>
      </thead>
      <tbody>
        {packages.map((p) => (
          <tr key={`${p.type}/${p.fileName}`}>
            <td>{p.fileName}</td>
            <td>{p.type}</td>
            <td>{p.version ?? "unknown"}</td>
            <td>{bytes(p.size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ history }: { history: BackupContents["history"] }) {
  if (history.length === 0) return <p>No backup taken or restored yet.</p>;
  return (
    <table aria-label="Backups and restores">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {history.map((h) => (
          <tr key={`${h.at}/${h.action}/${h.actorName}`}>
            <td>{new Date(h.at).toLocaleString()}</td>
            <td>{h.action === "backup.restore" ? "Restore" : "Backup"}</td>
            <td>{h.actorName}</td>
            <td>{h.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Administration > Backup: what a backup holds, the download, the master key it needs, history. */
export function BackupPanel() {
  const trpc = useTRPC();
  const contents = useQuery(trpc.backup.contents.queryOptions());
  if (contents.isPending) return <p>Loading what a backup holds…</p>;
  if (contents.error) return <FormError message={describeError(contents.error).message} />;
  const data = contents.data;
  return (
    <>
      <section className="panel" aria-labelledby="backup-contents">
        <h2 id="backup-contents">What a backup holds</h2>
        <Contents data={data} />
        <h3>HSM packages</h3>
        <Packages packages={data.packages} />
        <form method="post" action={BACKUP_PATH} className="actions">
          <button type="submit">Download backup</button>
        </form>
      </section>
      <section className="panel" aria-labelledby="backup-master-key">
        <h2 id="backup-master-key">Master key</h2>
        <p>
          The archive never holds the master key that decrypts the secrets in the database. A restore needs
          the master key with fingerprint <code>{data.masterKeyFingerprint}</code>: keep{" "}
          <code>master.key</code> of the data folder (or <code>HSM_CONSOLE_MASTER_KEY</code>) apart from the
          backups, or export it on the console&apos;s host with{" "}
          <code>hsm-console backup FILE --with-master-key KEYFILE</code>.
        </p>
        <p>
          Restore on the host with the console stopped:{" "}
          <code>hsm-console restore FILE --master-key KEYFILE [--data DIR] [--force]</code>
        </p>
      </section>
      <section className="panel" aria-labelledby="backup-history">
        <h2 id="backup-history">Backups and restores</h2>
        <History history={data.history} />
      </section>
    </>
  );
}
