import { Link, Navigate } from "react-router";

import { useSession } from "../auth/AuthContext";
import { Page } from "../components/Page";
import { homeFor } from "./nav";

/** `/`: each role starts on its own page. */
export function RoleHome() {
  const session = useSession();
  return <Navigate to={homeFor(session.roles)} replace />;
}

export function NotFoundPage() {
  return (
    <Page title="Not found">
      <p>
        There is no page here. <Link to="/">Go to your start page</Link>.
      </p>
    </Page>
  );
}
