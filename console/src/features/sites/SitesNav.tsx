// The Sites section's tabs; each keeps the metric and window of the page it leaves.
import { NavLink, useSearchParams } from "react-router";

export function SitesNav() {
  const [params] = useSearchParams();
  const carried = new URLSearchParams();
  for (const key of ["metric", "from", "to"]) {
    const value = params.get(key);
    if (value) carried.set(key, value);
  }
  const query = carried.size ? `?${carried.toString()}` : "";
  const tabs = [
    { to: "/sites", label: "Comparison", end: true },
    { to: "/sites/before-after", label: "Before/after", end: false },
    { to: "/sites/adoption", label: "Adoption", end: false },
  ];
  return (
    <nav className="sites-tabs" aria-label="Sites views">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={`${tab.to}${query}`} end={tab.end}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
