// The console's frame: the navigation the session's roles may use, who is signed in (roles,
// sites), and sign-out. Pages render in <Outlet />.
import { NavLink, Outlet } from "react-router";

import { useAuth, useSession } from "../auth/AuthContext";
import { roleLabels } from "../auth/roles";
import { sectionsFor } from "./nav";

export function Layout() {
  const session = useSession();
  const { signOut } = useAuth();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">COE Platform</span>
        <nav aria-label="Sections">
          <ul>
            {sectionsFor(session.roles).map((section) => (
              <li key={section.path}>
                <NavLink to={section.path}>{section.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who" data-testid="who">
          <span className="who-name">{session.name}</span>
          <span className="who-roles">
            {session.roles.map((role) => roleLabels[role] ?? role).join(", ")}
            {session.sites.length ? ` · ${session.sites.join(", ")}` : ""}
          </span>
          <button type="button" className="button-quiet" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
