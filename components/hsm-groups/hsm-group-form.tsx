"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { HSM_TYPE_LABELS, HSM_TYPES, isNetworkHsm } from "@/lib/hsm-types";
import {
  DEFAULT_NTLS_PORT,
  type HsmGroup,
  type UpdateHsmGroupInput,
  ZCreateHsmGroupInput,
  ZUpdateHsmGroupInput,
} from "@/lib/schemas/hsm-group";
import { formatModuleEnv } from "@/lib/schemas/module-env";
import { useTRPC } from "@/lib/trpc/client";
import { FieldFrame } from "../ui/field-frame";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useFormErrors } from "../ui/use-form-errors";
import { HSM_TYPE_HINTS } from "./hsm-type-hints";
import { LibrarySelect } from "./library-select";
import { ServerFields } from "./server-fields";

const SERVER_FIELDS = ["address", "port", "serverCert", "partition", "partitionPassword", "adminApiUrl"];
const emptyServer = {
  address: "",
  port: DEFAULT_NTLS_PORT,
  serverCert: "",
  partition: "",
  partitionPassword: "",
  adminApiUrl: "",
};

function toValues(g: HsmGroup): UpdateHsmGroupInput {
  return {
    id: g.id,
    name: g.name,
    type: g.type,
    isHa: g.isHa,
    clientValidityDays: 730,
    moduleLibrary: g.moduleLibrary ?? "",
    moduleEnv: formatModuleEnv(g.moduleEnv),
    servers: g.servers.map((s) => ({
      id: s.id,
      address: s.address ?? "",
      port: s.port ?? DEFAULT_NTLS_PORT,
      serverCert: s.serverCertPem ?? "",
      partition: s.partition,
      partitionPassword: "",
      adminApiUrl: s.adminApiUrl ?? "",
    })),
  };
}

/** Create or edit an HSM group, validated by the same schema as the procedure. */
export function HsmGroupForm({ group }: { group?: HsmGroup }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useForm<UpdateHsmGroupInput>({
    // One form for both: the create schema ignores the (empty) id.
    resolver: zodResolver(
      (group ? ZUpdateHsmGroupInput : ZCreateHsmGroupInput) as typeof ZUpdateHsmGroupInput,
    ),
    defaultValues: group
      ? toValues(group)
      : {
          id: "",
          name: "",
          type: "safenet-luna",
          isHa: false,
          moduleLibrary: "",
          moduleEnv: "",
          clientValidityDays: 730,
          servers: [emptyServer],
        },
  });
  const servers = useFieldArray({ control: form.control, name: "servers" });
  const type = form.watch("type");
  const certs = form.watch("servers").map((s) => s.serverCert ?? "");
  const network = isNetworkHsm(type);
  const count = servers.fields.length;
  useEffect(() => {
    if (count < 2) form.setValue("isHa", false);
  }, [count, form]);
  const fields = [
    "name",
    "type",
    "isHa",
    "moduleLibrary",
    "moduleEnv",
    "servers",
    ...servers.fields.flatMap((_, i) => SERVER_FIELDS.map((f) => `servers.${i}.${f}`)),
  ];
  const onSuccess = async (saved: HsmGroup) => {
    await queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.get.queryKey({ id: saved.id }) });
    router.push(`/templates/security/hsm-groups/${saved.id}`);
  };
  const { error, onError, submit } = useFormErrors(form, fields);
  const create = useMutation(trpc.hsmGroups.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.hsmGroups.update.mutationOptions({ onSuccess, onError }));
  const errors = form.formState.errors;
  return (
    <form
      aria-label={group ? `Edit ${group.name}` : "New HSM group"}
      noValidate
      onSubmit={submit((values) => {
        const { id, ...rest } = values;
        if (group) update.mutate({ ...rest, id: group.id });
        else create.mutate(rest);
      })}
    >
      <FormError message={error} />
      <section className="panel">
        <TextField
          id="hsm-name"
          label="Name"
          registration={form.register("name")}
          error={errors.name}
          readOnly={group?.builtIn}
        />
        <label htmlFor="hsm-type">Type</label>
        <select id="hsm-type" aria-describedby="hsm-type-hint" {...form.register("type")}>
          {HSM_TYPES.map((t) => (
            <option key={t} value={t}>
              {HSM_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        <div id="hsm-type-hint" className="hint">
          {HSM_TYPE_HINTS[type]}
        </div>
        {errors.type?.message && <div className="field-error">{errors.type.message}</div>}
        {type === "pkcs11-module" && (
          <>
            <LibrarySelect
              registration={form.register("moduleLibrary")}
              error={errors.moduleLibrary}
              current={group?.moduleLibrary ?? undefined}
              fixed={group?.builtIn}
            />
            {!group?.builtIn && (
              <FieldFrame
                id="hsm-module-env"
                label="Library environment"
                error={errors.moduleEnv}
                hint="Optional: the variables the library reads its configuration from, one NAME=value per line. The console and every service engine load the library with them."
              >
                {(description) => (
                  <textarea
                    id="hsm-module-env"
                    rows={3}
                    placeholder="ChrystokiConfigurationPath=/etc"
                    {...description}
                    {...form.register("moduleEnv")}
                  />
                )}
              </FieldFrame>
            )}
          </>
        )}
      </section>
      {servers.fields.map((f, i) => (
        <ServerFields
          key={f.id}
          index={i}
          network={network}
          editing={Boolean(group && form.getValues(`servers.${i}.id`))}
          register={form.register}
          errors={errors}
          serverCert={certs[i] ?? ""}
          onRemove={count > 1 ? () => servers.remove(i) : undefined}
        />
      ))}
      {errors.servers?.message && <div className="field-error">{errors.servers.message}</div>}
      <div className="actions">
        {network && (
          <button type="button" className="secondary" onClick={() => servers.append(emptyServer)}>
            Add Additional HSM
          </button>
        )}
      </div>
      {network && (
        <section className="panel">
          {/* HA has one home: "Set up HA" on the Connection page, after the clients are registered
              (it needs each partition's serial, as the document's step 3 says). */}
          <p className="hint">
            High availability: {group?.isHa ? "on" : "off"}.{" "}
            {count >= 2
              ? "Turn it on with Set up HA on the group's Connection page once this console is registered on every HSM."
              : "It needs two or more HSMs."}
          </p>
          <TextField
            id="hsm-validity"
            label="Client certificate validity (days)"
            type="number"
            registration={form.register("clientValidityDays", { valueAsNumber: true })}
            error={errors.clientValidityDays}
          />
          <h2>Trusted clients</h2>
          <p className="hint">
            This console node gets a client certificate when the group is saved; register it on each HSM from
            the group's client certificates page. Service engines are added here by the service engine groups
            that use this group.
          </p>
        </section>
      )}
      <div className="actions">
        <button type="submit" disabled={create.isPending || update.isPending}>
          {group ? "Save" : "Create HSM group"}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => router.push("/templates/security/hsm-groups")}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
