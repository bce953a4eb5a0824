/**
 * The boundaries of docs/architecture.md, checked in CI (`npm run check:boundaries`).
 * Paths are real paths: workspace imports (`@orbis/…`) resolve through node_modules symlinks to them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "apps-not-to-apps",
      severity: "error",
      comment: "A role is a boundary: an app imports packages, never another app. Only apps/cli, the composition root, puts apps together.",
      from: { path: "^apps/(?!cli/)([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "gateway-not-to-api",
      severity: "error",
      comment: "The gateway process must not carry the control plane; what both need lives in a package.",
      from: { path: "^apps/gateway/" },
      to: { path: "^apps/api/" },
    },
    {
      name: "packages-not-to-apps",
      severity: "error",
      comment: "Packages are the shared parts; apps are built from them, never the other way round.",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "only-db-imports-drizzle",
      severity: "error",
      comment: "SQL lives in packages/db (repositories); everyone else goes through them.",
      from: { pathNot: "^packages/db/" },
      to: { path: "(^|/)node_modules/drizzle-(orm|kit)/" },
    },
    {
      name: "src-not-to-tests",
      severity: "error",
      comment: "Product code never imports test code, emulators or benchmarks.",
      from: { path: "^(apps|packages)/[^/]+/(src|server)/" },
      to: { path: "(^(e2e|bench)/)|(/test/)" },
    },
    {
      name: "no-circular-between-workspaces",
      severity: "error",
      comment: "Workspaces form a directed graph (docs/architecture.md).",
      from: { path: "^(apps|packages)/([^/]+)/" },
      to: { circular: true, path: "^(apps|packages)/", pathNot: "^(apps|packages)/$2/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|drizzle)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".mts", ".js", ".mjs", ".json"],
    },
  },
};
