"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { HSM_PACKAGE_LABELS, HSM_PACKAGE_TYPES, type UploadAnswer } from "@/lib/schemas/hsm-packages";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { uploadPackage } from "./upload-request";

/** Upload safenet.tar (or thales.tar, the CloudHSM client) with a progress bar; shows what the server found. */
export function UploadPackageForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [type, setType] = useState<string>("safenet");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<UploadAnswer | null>(null);
  const uploading = progress !== null;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setAnswer(null);
    if (!file) return setError("Choose the package file (for SafeNet: safenet.tar).");
    setProgress(0);
    const outcome = await uploadPackage(file, type, setProgress);
    setProgress(null);
    if (!outcome.ok) return setError(outcome.message);
    setAnswer(outcome.answer);
    await queryClient.invalidateQueries({ queryKey: trpc.hsmPackages.list.queryKey() });
  }

  return (
    <form className="panel" onSubmit={submit} aria-label="Upload HSM package">
      <label htmlFor="hsm-package-type">HSM type</label>
      <select
        id="hsm-package-type"
        value={type}
        onChange={(e) => setType(e.target.value)}
        disabled={uploading}
      >
        {HSM_PACKAGE_TYPES.map((t) => (
          <option key={t} value={t}>
            {HSM_PACKAGE_LABELS[t]}
          </option>
        ))}
      </select>
      <label htmlFor="hsm-package-file">Package file</label>
      <input
        id="hsm-package-file"
        type="file"
        accept=".tar,application/x-tar"
        disabled={uploading}
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <p className="hint">
        The tar is checked as it arrives (never unpacked) and stored for every console node.
      </p>
      <div className="actions">
        <button type="submit" disabled={uploading}>
          {uploading ? "Uploading…" : "Upload"}
        </button>
        {uploading && (
          <progress aria-label="Upload progress" max={1} value={progress}>
            {Math.round(progress * 100)}%
          </progress>
        )}
      </div>
      <FormError message={error} />
      {answer && (
        <div className="alert success" role="status">
          <strong>{answer.message}</strong>
          <p>
            {HSM_PACKAGE_LABELS[answer.type]}, client version {answer.version ?? "not named in the files"},{" "}
            {answer.members.length} members: {answer.members.map((m) => m.name).join(", ")}.
          </p>
          {answer.restartRequired > 0 && (
            <p>{answer.restartRequired} service engine(s) must restart to install it.</p>
          )}
        </div>
      )}
      {/* Warnings in their own box: inside the green one they read as part of the success. */}
      {answer && (answer.extra.length > 0 || answer.notes.length > 0) && (
        <section className="alert warn" aria-label="Package warnings">
          <strong>Check these before you install it:</strong>
          {answer.extra.length > 0 && <p>Not part of the client (kept): {answer.extra.join(", ")}.</p>}
          {answer.notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </section>
      )}
    </form>
  );
}
