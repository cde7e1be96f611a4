/**
 * The lab network HSM appliances: public entry for the console's start command and tests.
 * See lab/README.md for how each piece maps to a SafeNet Luna Network HSM.
 */
export type { ApplianceInfo } from "./lifecycle/appliance-info";
export { runApplianceCommand } from "./lifecycle/control-client";
export {
  DEFAULT_ADMIN_PORT,
  DEFAULT_NTLS_PORT,
  defaultAppliances,
  type LabApplianceSpec,
  labCountFromEnv,
  type StartLabOptions,
} from "./lifecycle/lab-options";
export { startLabFromEnv } from "./lifecycle/start-from-env";
export { type Lab, startLab } from "./lifecycle/start-lab";
export { formatLabSummary, printLabSummary } from "./lifecycle/summary";
