import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { RELATION_CHILD_OF } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { toilWritePermissions } from '@cloud-native-portal/plugin-toil-common';

const TOIL_WRITES = new Set(toilWritePermissions.map(p => p.name));

/** Options of {@link PortalPermissionPolicy}. */
export interface PortalPermissionPolicyOptions {
  /** User entity refs that may change every register. */
  admins: string[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** How long a user's expanded groups are reused. Default: 60 s. */
  cacheMillis?: number;
}

/**
 * The portal policy. Everything is allowed except the toil register writes,
 * which admins may always do and others only on entities owned by one of
 * their groups, or by a group above one of theirs in the hierarchy (a member
 * of courses-team is a member of learning-experience too).
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;
  private readonly cache = new Map<string, { at: number; claims: string[] }>();

  constructor(private readonly options: PortalPermissionPolicyOptions) {
    this.admins = new Set(
      options.admins.map(a => a.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      !TOIL_WRITES.has(request.permission.name) ||
      !isResourcePermission(request.permission, 'catalog-entity')
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) return { result: AuthorizeResult.DENY };
    const userRef = user.info.userEntityRef.toLocaleLowerCase('en-US');
    if (this.admins.has(userRef)) return { result: AuthorizeResult.ALLOW };
    const claims = await this.claimsOf(userRef, user.info.ownershipEntityRefs);
    return createCatalogConditionalDecision(
      request.permission,
      catalogConditions.isEntityOwner({ claims }),
    );
  }

  /** The user's ownership refs plus every ancestor of their groups. */
  async claimsOf(userRef: string, ownershipRefs: string[]): Promise<string[]> {
    const cached = this.cache.get(userRef);
    const ttl = this.options.cacheMillis ?? 60_000;
    if (cached && Date.now() - cached.at < ttl) return cached.claims;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const claims = new Set(
      ownershipRefs.map(r => r.toLocaleLowerCase('en-US')),
    );
    const queue = [...claims].filter(r => r.startsWith('group:'));
    while (queue.length) {
      const ref = queue.shift()!;
      try {
        const group = await this.options.catalog.getEntityByRef(ref, {
          credentials,
        });
        for (const rel of group?.relations ?? []) {
          const parent = rel.targetRef.toLocaleLowerCase('en-US');
          if (rel.type === RELATION_CHILD_OF && !claims.has(parent)) {
            claims.add(parent);
            queue.push(parent);
          }
        }
      } catch (e) {
        // Without the hierarchy the user keeps their direct groups.
        this.options.logger.warn(
          `Could not read group ${ref} for ${userRef}: ${(e as Error).message}`,
        );
      }
    }
    const result = [...claims];
    this.cache.set(userRef, { at: Date.now(), claims: result });
    return result;
  }
}
