// What the builders need from the operator's own configuration. The controller fills this from its
// flags and environment (operator/config.ts); render takes it from its command line.

export interface OperatorSettings {
  /** The workload image for HelloServices that do not set spec.image. */
  workloadImage: string;
  /** The pull policy of the workload container. */
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Labels added to every child's metadata (never to selectors), e.g. a team or cost-centre label.
   * They cannot override the app.kubernetes.io labels the operator relies on. */
  extraLabels: Record<string, string>;
  /** Secrets every workload pod may pull its image with (a private registry's), before the
   * HelloService's own spec.imagePullSecrets. Each must exist in the HelloService's namespace. */
  imagePullSecrets: string[];
}

export const defaultOperatorSettings: OperatorSettings = {
  // The image the local cluster scripts build; a release build of the operator overrides it.
  workloadImage: 'localhost/hello-workload:dev',
  // IfNotPresent: a locally loaded image (localhost/...) cannot be pulled, and tags are not reused.
  imagePullPolicy: 'IfNotPresent',
  extraLabels: {},
  imagePullSecrets: [],
};

/** The defaults with `overrides` applied. */
export function operatorSettings(overrides: Partial<OperatorSettings> = {}): OperatorSettings {
  return { ...defaultOperatorSettings, ...overrides };
}
