/**
 * The one parser of container image references in the project. Every check
 * that reads an image (Dockerfile `FROM`, pod `image:`, Helm values) goes
 * through it.
 */
export interface ImageReference {
  /** The reference as written. */
  raw: string;
  /** Registry host, when the first path segment names one (`ghcr.io`, `localhost:5000`). */
  registry?: string;
  /** Repository path without registry, tag or digest (`library/node` is `node`). */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` when the reference carries a digest. */
  digest?: string;
  /** The reference still contains `$` or `{{` variables. */
  unresolved: boolean;
  /** `scratch`, the empty base image. */
  scratch: boolean;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/i;

/** Parses an image reference (`[registry/]repository[:tag][@digest]`). */
export function parseImageReference(raw: string): ImageReference {
  const text = raw.trim();
  const unresolved = text.includes('$') || text.includes('{{');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const first = rest.indexOf('/');
  if (first !== -1) {
    const head = rest.slice(0, first);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      rest = rest.slice(first + 1);
    }
  }
  return {
    raw,
    ...(registry ? { registry } : {}),
    repository: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    unresolved,
    scratch: text.toLowerCase() === 'scratch',
  };
}

/** Whether the reference carries a well-formed `sha256` digest. */
export function isPinnedByDigest(image: ImageReference): boolean {
  if (image.scratch) return true;
  return !image.unresolved && !!image.digest && DIGEST.test(image.digest);
}

/**
 * Whether the reference is pinned by a digest or by an explicit tag other
 * than `latest`. This is the looser question; {@link isPinnedByDigest} is
 * the strict one.
 */
export function isPinnedByTagOrDigest(image: ImageReference): boolean {
  if (image.scratch) return true;
  if (image.unresolved) return false;
  if (image.digest !== undefined) return isPinnedByDigest(image);
  return !!image.tag && image.tag.toLowerCase() !== 'latest';
}

/** The last path segment of the repository (`ghcr.io/acme/api:1` is `api`). */
export function imageName(image: ImageReference): string {
  return image.repository.slice(image.repository.lastIndexOf('/') + 1);
}
