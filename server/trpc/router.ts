import "server-only";
import { router } from "./init";
import { apiTokensRouter } from "./routers/api-tokens";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { backupRouter } from "./routers/backup";
import { poolsRouter, vsVipsRouter } from "./routers/avi-objects";
import { certificatesRouter } from "./routers/certificates";
import { clusterRouter } from "./routers/cluster";
import { consoleTlsRouter } from "./routers/console-tls";
import { hsmGroupActionsRouter } from "./routers/hsm-group-actions";
import { hsmGroupsRouter } from "./routers/hsm-groups";
import { hsmPackagesRouter } from "./routers/hsm-packages";
import { serviceEngineGroupsRouter } from "./routers/service-engine-groups";
import { serviceEnginesRouter } from "./routers/service-engines";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";
import { virtualServicesRouter } from "./routers/virtual-services";
import { registerProcedureInputs } from "./unknown-fields";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tenants: tenantsRouter,
  audit: auditRouter,
  apiTokens: apiTokensRouter,
  hsmGroups: hsmGroupsRouter,
  hsmGroupActions: hsmGroupActionsRouter,
  hsmPackages: hsmPackagesRouter,
  serviceEngineGroups: serviceEngineGroupsRouter,
  serviceEngines: serviceEnginesRouter,
  virtualServices: virtualServicesRouter,
  certificates: certificatesRouter,
  consoleTls: consoleTlsRouter,
  backup: backupRouter,
  cluster: clusterRouter,
  pools: poolsRouter,
  vsVips: vsVipsRouter,
});

registerProcedureInputs(appRouter);

export type AppRouter = typeof appRouter;
