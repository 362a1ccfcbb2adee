// Issue 18, "one truth for what a HelloService may be": generated HelloServices go both to render's
// validation (operator/api/validate.ts, the TypeScript twin of the schema) and to a real API server
// with the generated CRD (a server-side dry-run create), and both must give the same verdict. Every
// spec both accept must also yield children (desiredChildren, as render prints them) that the API
// server accepts in a dry-run create. The fake-node cluster's kube-apiserver is a real one, and a dry
// run needs no nodes. A disagreement found here is fixed in operator/api and kept as a unit case in
// operator/api/invalid-cases.ts or api.test.ts.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { invalidCases } from '../../operator/api/invalid-cases.ts';
import { API_VERSION, KIND, PLURAL } from '../../operator/api/schema.ts';
import { httpStatus } from '../../operator/kube/api-errors.ts';
import { HttpMethod, KubeClient, resourcePath } from '../../operator/kube/rest.ts';
import { render } from '../../operator/render.ts';
import { childKind } from '../../operator/resources/children.ts';
import { eventually, kubeConfig } from '../cluster/kube.ts';
import { monitoringCrdPath } from '../cluster/paths.ts';
import { installCrd, kubectlFor, must, NS_PREFIX, waitEstablished } from '../operator/operator-process.ts';
import { helloServiceSpec } from './hello-service-arbitrary.ts';

/** Fixed, so that a failure is reproduced by running the test again; the runs keep it under 2 minutes. */
const SEED = Number(process.env.HELLO_DIFF_SEED ?? 18);
const RUNS = Number(process.env.HELLO_DIFF_RUNS ?? 1000);

describe('validate.ts and the API server agree on every HelloService', () => {
  const adminPath = inject('fakeKubeconfig');
  const kubectl = kubectlFor(adminPath);
  const client = new KubeClient(kubeConfig(adminPath));
  const ns = `${NS_PREFIX}differential-${randomBytes(3).toString('hex')}`;
  let ourServiceMonitorCrd = false;

  beforeAll(async () => {
    installCrd(kubectl);
    // The ServiceMonitor child needs prometheus-operator's CRD (from its Go module, as the cluster tests use it).
    if (kubectl(['get', 'crd', 'servicemonitors.monitoring.coreos.com']).status !== 0) {
      must(kubectl, ['apply', '--server-side', '-f', monitoringCrdPath('servicemonitors')]);
      waitEstablished(kubectl, 'servicemonitors.monitoring.coreos.com');
      ourServiceMonitorCrd = true;
    }
    must(kubectl, ['create', 'namespace', ns]);
    // An updated CRD is Established at once but validated with its new schema only a moment later:
    // wait until every case the schema must refuse is refused.
    await eventually(
      'the API server to enforce the CRD just applied',
      async () => {
        for (const c of invalidCases) {
          const hs = { apiVersion: API_VERSION, kind: KIND, metadata: { name: 'invalid' }, spec: c.spec };
          if ((await apiServerRefusal(API_VERSION, PLURAL, hs)) === undefined) return false;
        }
        return true;
      },
      60_000,
    );
  });
  afterAll(() => {
    kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    if (ourServiceMonitorCrd) kubectl(['delete', 'crd', 'servicemonitors.monitoring.coreos.com']);
  });

  /** The API server's verdict on a dry-run create of `body`: undefined when accepted, else why not. */
  async function apiServerRefusal(
    apiVersion: string,
    plural: string,
    body: unknown,
  ): Promise<string | undefined> {
    try {
      await client.request(HttpMethod.POST, resourcePath(apiVersion, plural, ns), {
        body,
        query: { dryRun: 'All', fieldValidation: 'Strict' },
      });
      return undefined;
    } catch (err) {
      // 422 Invalid and 400 BadRequest (a strict-decoding error) are refusals; anything else is trouble.
      const status = httpStatus(err);
      if (status === 422 || status === 400) return (err as Error).message;
      throw err;
    }
  }

  it(`gives the same verdict on ${RUNS} generated HelloServices, and the children of each accepted one are valid`, {
    timeout: 180_000,
  }, async () => {
    const counts = { accepted: 0, refused: 0, children: 0 };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(helloServiceSpec, async (spec) => {
        const hs = {
          apiVersion: API_VERSION,
          kind: KIND,
          metadata: { name: 'generated', namespace: ns },
          spec,
        };
        const ours = render(JSON.stringify(hs));
        const theirs = await apiServerRefusal(API_VERSION, PLURAL, hs);
        const verdict = (ok: boolean) => (ok ? 'accepts' : 'refuses');
        expect(
          ours.ok,
          `validate.ts ${verdict(ours.ok)}, the API server ${verdict(theirs === undefined)}: ${
            ours.ok ? theirs : ours.errors.join('; ')
          }`,
        ).toBe(theirs === undefined);
        if (!ours.ok) {
          counts.refused++;
          return;
        }
        counts.accepted++;
        for (const child of ours.children) {
          const refusal = await apiServerRefusal(child.apiVersion, childKind(child.kind).plural, child);
          expect(refusal, `${child.kind} of an accepted spec`).toBeUndefined();
          counts.children++;
        }
      }),
      // fast-check prints the seed, the path and the (shrunk) counterexample when a run fails.
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.HELLO_DIFF_SHRINK !== '1' },
    );
    process.stderr.write(
      `[differential] seed ${SEED}: ${RUNS} specs, ${counts.accepted} accepted by both, ${counts.refused} refused by both, ${counts.children} children accepted, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    expect(counts.accepted).toBeGreaterThan(RUNS / 5);
    expect(counts.refused).toBeGreaterThan(RUNS / 5);
  });
});
