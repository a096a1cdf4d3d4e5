import { RepositoryTree } from '../repository';
import { findCodeowners, FoundCodeowners } from './codeowners';
import { DependencyScan, scanDependencies } from './dependencies';
import { DockerfileEvidence, readDockerfiles } from './dockerfiles';
import { ImageReference, parseImageReference } from './images';
import { KubernetesEvidence, readKubernetes } from './kubernetes';
import { PolicyFiles, readPolicyFiles } from './policies';
import { readSecrets, SecretEvidence } from './secrets';
import { CiEvidence, readCi } from './workflows';
import { Evidence } from '@cloud-native-portal/plugin-maturity-common';

export * from './codeowners';
export * from './dependencies';
export * from './dockerfiles';
export * from './images';
export * from './kubernetes';
export * from './mesh';
export * from './policies';
export * from './secrets';
export * from './values';
export * from './workflows';

/** One image a tree refers to, with where. */
export interface ImageUse extends Evidence {
  image: ImageReference;
  /** A Dockerfile `FROM`, or a container of a pod template. */
  source: 'dockerfile' | 'pod';
}

/** The images of a tree: what it builds and what it deploys. */
export interface ImageEvidence {
  /**
   * Whether the repository builds an image of its own: it has a Dockerfile,
   * or its CI builds and pushes one (`docker build`, `docker/build-push-action`,
   * `ko`, `jib`, `buildpacks`).
   */
  buildsOwnImage: boolean;
  /** Why `buildsOwnImage` is true. */
  builds: Evidence[];
  /** Base images of Dockerfiles (stage references excluded). */
  baseImages: ImageUse[];
  /** Images of pod-template containers. */
  deployed: ImageUse[];
}

/** Everything the checks read from a tree, parsed once. */
export interface RepositoryEvidence {
  tree: RepositoryTree;
  kubernetes: KubernetesEvidence;
  dockerfiles: DockerfileEvidence[];
  images: ImageEvidence;
  ci: CiEvidence;
  secrets: SecretEvidence;
  codeowners?: FoundCodeowners;
  dependencies: DependencyScan;
  policyFiles: PolicyFiles;
}

const BUILD_STEP =
  /\bdocker\s+(buildx\s+)?build\b|docker\/build-push-action|\bpodman\s+build\b|\bbuildah\s+(bud|build)\b|\bko\s+(build|publish|apply)\b|\bjib(:build|Build)?\b|\bpack\s+build\b|spring-boot:build-image|\bkaniko\b|redhat-actions\/buildah-build/i;

function readImages(
  kubernetes: KubernetesEvidence,
  dockerfiles: DockerfileEvidence[],
  ci: CiEvidence,
): ImageEvidence {
  const baseImages: ImageUse[] = dockerfiles.flatMap(d =>
    d.stages.flatMap(stage =>
      stage.image
        ? [
            {
              image: stage.image,
              source: 'dockerfile' as const,
              path: d.path,
              line: stage.line,
            },
          ]
        : [],
    ),
  );
  const deployed: ImageUse[] = kubernetes.podTemplates.flatMap(w =>
    w.containers.flatMap(ref => {
      const image = ref.container.image;
      if (typeof image !== 'string' || !image) return [];
      return [
        {
          image: parseImageReference(image),
          source: 'pod' as const,
          path: w.object.doc.path,
          line:
            w.object.doc.lineOf([...ref.path, 'image']) ?? w.object.doc.line,
        },
      ];
    }),
  );
  const builds: Evidence[] = [
    ...dockerfiles.map(d => ({ path: d.path, line: 1, note: 'Dockerfile' })),
    ...ci.steps
      .filter(s => BUILD_STEP.test(s.text))
      .map(s => ({
        path: s.path,
        line: s.line,
        note: `builds an image: ${s.text.split('\n')[0].slice(0, 80)}`,
      })),
  ];
  return { buildsOwnImage: builds.length > 0, builds, baseImages, deployed };
}

const cache = new WeakMap<RepositoryTree, RepositoryEvidence>();

/**
 * Reads a tree once into typed evidence, each item with its file and line.
 * The result is cached per tree, so the zero-trust controls and the maturity
 * repository facts of one scan share one reading.
 */
export function readRepositoryEvidence(
  tree: RepositoryTree,
): RepositoryEvidence {
  const cached = cache.get(tree);
  if (cached) return cached;
  const kubernetes = readKubernetes(tree);
  const dockerfiles = readDockerfiles(tree);
  const ci = readCi(tree);
  const evidence: RepositoryEvidence = {
    tree,
    kubernetes,
    dockerfiles,
    images: readImages(kubernetes, dockerfiles, ci),
    ci,
    secrets: readSecrets(tree, kubernetes, ci),
    codeowners: findCodeowners(tree),
    dependencies: scanDependencies(tree),
    policyFiles: readPolicyFiles(tree),
  };
  cache.set(tree, evidence);
  return evidence;
}
