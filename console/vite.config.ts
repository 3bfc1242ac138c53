// The console's build. Each page is an HTML entry; today only the GraphiQL page, which the
// API serves at /graphql (the built files under /console/, see platform/coe/graphql/ide.py).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Fonts and images as files, not data: URLs, so the page's CSP can stay at 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 8000, // Monaco, the editor inside GraphiQL, is a few MB by itself
    rolldownOptions: {
      input: { graphiql: "graphiql.html" }, // relative to the root: console/
      onwarn(warning, warn) {
        // "use no memo" of GraphiQL's React-compiled modules: meaningless once bundled
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  worker: { format: "es" },
});
