import { AppError } from "@/lib/errors";
import type { ServiceEngineGroupView } from "@/lib/schemas/service-engines";
import { checkFields, COMMON_READ_ONLY } from "../fields";
import { objectRef, parseRef } from "../ids";
import { findIn, identity, wholeList } from "./lookup";
import type { AviKind, Item } from "./types";

/**
 * Avi's ServiceEngineGroup: the HSM group reference (hardwaresecuritymodulegroup_ref) and the
 * number of service engines (`max_se`). Groups are made by the console, not through the API.
 */
export const seGroupKind: AviKind = {
  kind: "serviceenginegroup",
  summary: "Service engine groups (hardwaresecuritymodulegroup_ref, max_se)",
  rules: { writable: ["hardwaresecuritymodulegroup_ref", "max_se"], readOnly: [...COMMON_READ_ONLY, "name"] },
  notes: [
    "max_se is the number of service engines the console runs for the group (1 to 4 per console node).",
    "Groups are made by the console: no POST or DELETE; name is read-only. A PUT without hardwaresecuritymodulegroup_ref clears it (a PUT replaces the object, as in Avi); use PATCH to change one field.",
    'Changing hardwaresecuritymodulegroup_ref marks the group\'s SEs "restart required", as in the console (POST …/<uuid>/restartall).',
  ],
  list: async (ctx) => wholeList((await ctx.call("serviceEngineGroups.list")) as Item[]),
  get: async (ctx, id) =>
    findIn((await ctx.call("serviceEngineGroups.list")) as Item[], id, "serviceenginegroup"),
  toAvi: (ctx, item) => {
    const g = item as unknown as ServiceEngineGroupView;
    return {
      ...identity(ctx, "serviceenginegroup", g),
      max_se: g.seCount,
      ...(g.hsmGroupId
        ? {
            hardwaresecuritymodulegroup_ref: objectRef(
              ctx.style,
              "hardwaresecuritymodulegroup",
              g.hsmGroupId,
              g.hsmGroupName ?? "",
            ),
          }
        : {}),
    };
  },
  // A PUT replaces the object: no hardwaresecuritymodulegroup_ref means none, as in Avi.
  update: async (ctx, item, body, current) => {
    checkFields(body, seGroupKind.rules, current);
    const ref = body.hardwaresecuritymodulegroup_ref;
    const hsmGroupId =
      ref === undefined || ref === null || ref === ""
        ? null
        : await ctx.resolve(
            "hardwaresecuritymodulegroup",
            parseRef("hardwaresecuritymodulegroup", ref, "hardwaresecuritymodulegroup_ref"),
            "hardwaresecuritymodulegroup_ref",
          );
    if (body.max_se !== undefined && typeof body.max_se !== "number") {
      throw new AppError("VALIDATION", '"max_se" must be a number.', { field: "max_se" });
    }
    await ctx.call("serviceEngineGroups.update", {
      id: item.id,
      hsmGroupId,
      ...(body.max_se !== undefined ? { seCount: body.max_se } : {}),
    });
  },
  readOnlyReason: "Service engine groups are made by the console; PUT or PATCH changes them.",
};
