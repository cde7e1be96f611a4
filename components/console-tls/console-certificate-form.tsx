"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import {
  type ChooseConsoleCertificateInput,
  type ConsoleTlsStatusOutput,
  ZChooseConsoleCertificateInput,
} from "@/lib/schemas/console-tls";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FieldFrame } from "../ui/field-frame";
import { FormError } from "../ui/form-error";
import { useFormErrors } from "../ui/use-form-errors";

const FIELDS = ["certificateId"] as const;

function ServingNow({ status }: { status: ConsoleTlsStatusOutput }) {
  const serving = status.serving;
  if (!serving) return <p>The console has not written what it serves yet (it does at start).</p>;
  return (
    <dl aria-label="Serving now">
      <dt>Serving now</dt>
      <dd>
        {serving.kind === "hsm"
          ? "A certificate whose key is in Local-SoftHSM (signed through PKCS#11, as service engines do)"
          : "The console's certificate file (generated, or HSM_CONSOLE_TLS_CERT)"}
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd>
        <code>{serving.fingerprint}</code>
      </dd>
      {serving.reason && (
        <>
          <dt>Why not the HSM key</dt>
          <dd role="alert">{serving.reason}</dd>
        </>
      )}
    </dl>
  );
}

/** Administration > Settings > Console certificate: where this node's own HTTPS key lives. */
export function ConsoleCertificateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.consoleTls.status.queryOptions());
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm<ChooseConsoleCertificateInput>({
    resolver: zodResolver(ZChooseConsoleCertificateInput),
    values: { certificateId: status.data?.chosen?.certificateId ?? null },
  });
  const { error, onError, submit } = useFormErrors(form, FIELDS);
  const choose = useMutation(
    trpc.consoleTls.choose.mutationOptions({
      onSuccess: async (result, input) => {
        await queryClient.invalidateQueries({ queryKey: trpc.consoleTls.status.queryKey() });
        setSaved(
          input.certificateId
            ? `Saved: the console serves ${result.name} from its next start. Restart the console to switch.`
            : "Saved: the console serves its certificate file from its next start.",
        );
      },
      onError,
    }),
  );
  if (status.isPending) return <p>Loading the console's certificate…</p>;
  if (status.error) return <FormError message={describeError(status.error).message} />;
  const data = status.data;
  return (
    <>
      <ServingNow status={data} />
      <form
        className="panel"
        aria-label="Console certificate"
        noValidate
        onSubmit={submit((values) => {
          setSaved(null);
          choose.mutate(values);
        })}
      >
        <FormError message={error} />
        <FieldFrame
          id="console-certificate"
          label="Certificate for the console's HTTPS"
          error={form.formState.errors.certificateId}
          hint={
            data.choices.length === 0
              ? "No active certificate has its key in Local-SoftHSM yet: create one under SSL/TLS Certificates with HSM group Local-SoftHSM."
              : "Only active certificates whose key is in this node's Local-SoftHSM can serve the console."
          }
        >
          {(description) => (
            <select
              id="console-certificate"
              {...description}
              {...form.register("certificateId", { setValueAs: (v: string | null) => (v ? v : null) })}
            >
              <option value="">Certificate file (no HSM)</option>
              {data.choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.subjectCn ? ` (CN=${c.subjectCn})` : ""}
                </option>
              ))}
            </select>
          )}
        </FieldFrame>
        <div className="actions">
          <button type="submit" disabled={choose.isPending}>
            Save
          </button>
        </div>
        {saved && <p role="status">{saved}</p>}
      </form>
    </>
  );
}
