export { getHsmGroup } from "./list-hsm-groups";
