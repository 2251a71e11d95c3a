// Plain code, no schema builders: the server and the command line apply the same rule.

/**
 * The deployment an agent's work goes to when no environment is named: its only deployment, or
 * the only one with a current version (the rule Prefactor's `setup` applies). Undefined when that
 * does not settle it: the caller refuses and asks for an environment rather than guess.
 */
export function chooseDeployment<D extends { current_version_id: string | null }>(deployments: readonly D[]): D | undefined {
  if (deployments.length === 1) return deployments[0];
  const current = deployments.filter((deployment) => deployment.current_version_id !== null);
  return current.length === 1 ? current[0] : undefined;
}
