import { AppError } from "@/lib/errors";
import { parseRef } from "./ids";
import type { AviCtx, Json } from "./objects/types";

const DEFAULT_CLOUD = "Default-Cloud";

/**
 * Fields every Avi object may carry that name where it lives rather than what it is: `tenant_ref`
 * (Ansible sends `/api/tenant?name=admin`) must name the caller's tenant, and `cloud_ref` the one
 * implicit cloud, Default-Cloud. Both are checked, then left out of what the object mapping sees.
 */
export function withoutPlacement(ctx: AviCtx, body: Json): Json {
  const { tenant_ref: tenantRef, cloud_ref: cloudRef, ...rest } = body;
  if (tenantRef !== undefined && tenantRef !== null) {
    const target = parseRef("tenant", tenantRef, "tenant_ref");
    const ours = "id" in target ? target.id === ctx.tenant.id : target.name === ctx.tenant.name;
    if (!ours) {
      throw new AppError(
        "FORBIDDEN",
        `tenant_ref names another tenant; you act in "${ctx.tenant.name}" only.`,
        {
          field: "tenant_ref",
        },
      );
    }
  }
  if (cloudRef !== undefined && cloudRef !== null) {
    const text = String(cloudRef);
    if (!text.endsWith(`name=${DEFAULT_CLOUD}`) && !text.endsWith(`#${DEFAULT_CLOUD}`)) {
      throw new AppError(
        "VALIDATION",
        `cloud_ref: the console has one cloud, ${DEFAULT_CLOUD}; use /api/cloud?name=${DEFAULT_CLOUD} or leave it out.`,
        { field: "cloud_ref" },
      );
    }
  }
  return rest;
}

/** Query parameters of Avi's API that the console honours (`include_refs`, `skip_default`: no-ops). */
const QUERY = ["name", "page", "page_size", "include_name", "include_refs", "skip_default"];

export function checkQuery(params: URLSearchParams): void {
  for (const key of params.keys()) {
    if (!QUERY.includes(key)) {
      throw new AppError(
        "VALIDATION",
        `Unsupported query parameter "${key}"; HSM Console honours ${QUERY.join(", ")}.`,
        { field: key },
      );
    }
  }
}
