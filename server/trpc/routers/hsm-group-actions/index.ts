import { router } from "../../init";
import { accessState, closeAccess, openAccess } from "./access";
import { groups } from "./groups";
import { haStatus, setUpHa, synchronise } from "./ha";
import { health } from "./health";
import { healthPicture } from "./health-picture";
import { listSlots } from "./list-slots";
import { testConnection } from "./test-connection";

/** The connection actions of an HSM group (the document's safenet.py / sautil / vtl steps). */
export const hsmGroupActionsRouter = router({
  groups,
  health,
  healthPicture,
  testConnection,
  listSlots,
  accessState,
  openAccess,
  closeAccess,
  haStatus,
  setUpHa,
  synchronise,
});
