// Routes of this section (mounted by src/app/App.tsx): not built yet.
import { notBuilt } from "../../components/NotBuilt";

export const routes = notBuilt("Templates", "coe template list");
