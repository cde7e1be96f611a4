import { router } from "../../init";
import { accessState, closeAccess, openAccess } from "./access";
import { groups } from "./groups";
import { haStatus, setUpHa, synchronise } from "./ha";
import { listSlots } from "./list-slots";
import { testConnection } from "./test-connection";

/** The connection actions of an HSM group (the document's safenet.py / sautil / vtl steps). */
export const hsmGroupActionsRouter = router({
  groups,
  testConnection,
  listSlots,
  accessState,
  openAccess,
  closeAccess,
  haStatus,
  setUpHa,
  synchronise,
});
