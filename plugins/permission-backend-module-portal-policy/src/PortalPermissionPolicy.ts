import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { RELATION_CHILD_OF } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityDeletePermission,
  catalogIngestionManagePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  maturityCampaignManagePermission,
  maturityFleetFixPermission,
  maturityCycleRunPermission,
  maturityRefreshPermission,
  maturityWaiverCreatePermission,
  maturityWaiverRevokePermission,
} from '@cloud-native-portal/plugin-maturity-common';
import { toilWritePermissions } from '@cloud-native-portal/plugin-toil-common';

/** The user the guest sign-in provider uses when none is configured. */
export const DEFAULT_GUEST_USER_REF = 'user:development/guest';

/**
 * Who may use a permission:
 * - `read`: every signed-in user, the guest included;
 * - `signed-in`: every signed-in user except the guest;
 * - `owner`: members of the entity's owning group (through the group
 *   hierarchy) and admins, as a conditional decision on the catalog entity;
 * - `admin`: portal admins only.
 */
export type PermissionRule = 'read' | 'signed-in' | 'owner' | 'admin';

const RULES: Record<string, PermissionRule> = {
  [maturityWaiverCreatePermission.name]: 'owner',
  [maturityWaiverRevokePermission.name]: 'owner',
  [maturityRefreshPermission.name]: 'owner',
  [maturityCampaignManagePermission.name]: 'admin',
  [maturityCycleRunPermission.name]: 'admin',
  [maturityFleetFixPermission.name]: 'admin',
  ...Object.fromEntries(toilWritePermissions.map(p => [p.name, 'owner'])),
  [catalogEntityDeletePermission.name]: 'owner',
  // The location permission carries no entity, so ownership cannot be checked:
  // owners delete their entity instead; unregistering a location is for admins.
  [catalogLocationDeletePermission.name]: 'admin',
  [catalogIngestionManagePermission.name]: 'admin',
  [templateManagementPermission.name]: 'admin',
};

/**
 * The rule of a permission: the portal's explicit rules first; any other
 * permission is `read` when its action is read and `signed-in` otherwise.
 */
export function ruleOf(permission: Permission): PermissionRule {
  return (
    RULES[permission.name] ??
    (permission.attributes.action === 'read' ? 'read' : 'signed-in')
  );
}

/** The portal role of a request's user. */
export type PortalRole = 'anonymous' | 'guest' | 'user' | 'admin';

/** Options of {@link PortalPermissionPolicy}. */
export interface PortalPermissionPolicyOptions {
  /**
   * Entity refs of admins: users, or groups whose direct members are admins
   * (matched against the user's ownership refs).
   */
  admins: string[];
  /**
   * User refs of the guest sign-in. Default: `user:development/guest`. The
   * guest may only read, and is never an admin through `admins`.
   */
  guestUsers?: string[];
  /**
   * Demo only: the guest may do everything an admin may, so the demo stays
   * editable. Default: false.
   */
  demoGuestIsAdmin?: boolean;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** How long a user's expanded groups are reused. Default: 60 s. */
  cacheMillis?: number;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The portal policy. Without a signed-in user nothing is allowed. Reads are
 * allowed to every signed-in user; the guest may only read (unless the demo
 * makes it an admin); admins may do everything; waivers, score refreshes,
 * toil writes and catalog entity deletion are conditional on owning the
 * entity, through the group hierarchy (a member of courses-team counts as a
 * member of learning-experience); campaigns, whole cycles, fleet fix pull requests, location deletion, ingestion
 * and template management are for admins.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;
  private readonly guests: Set<string>;
  private readonly cache = new Map<string, { at: number; claims: string[] }>();

  constructor(private readonly options: PortalPermissionPolicyOptions) {
    this.guests = new Set(
      (options.guestUsers ?? [DEFAULT_GUEST_USER_REF]).map(lower),
    );
    const admins = options.admins.map(lower);
    for (const ref of admins.filter(a => this.guests.has(a))) {
      options.logger.warn(
        `permission.admins lists the guest ${ref}; ignored, the guest is never an admin outside the demo (permission.demo.guestIsAdmin)`,
      );
    }
    this.admins = new Set(admins.filter(a => !this.guests.has(a)));
    if (options.demoGuestIsAdmin) {
      options.logger.warn(
        'permission.demo.guestIsAdmin is set: the guest may change everything. Never use this outside the demo.',
      );
    }
  }

  /** The role of a user: guest first, then admin by user or group ref. */
  roleOf(user?: PolicyQueryUser): PortalRole {
    if (!user) return 'anonymous';
    const userRef = lower(user.info.userEntityRef);
    if (this.guests.has(userRef)) {
      return this.options.demoGuestIsAdmin ? 'admin' : 'guest';
    }
    const refs = [userRef, ...user.info.ownershipEntityRefs.map(lower)];
    return refs.some(r => this.admins.has(r)) ? 'admin' : 'user';
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const role = this.roleOf(user);
    if (role === 'anonymous') return { result: AuthorizeResult.DENY };
    if (role === 'admin') return { result: AuthorizeResult.ALLOW };
    const rule = ruleOf(request.permission);
    if (role === 'guest') {
      return {
        result: rule === 'read' ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    switch (rule) {
      case 'read':
      case 'signed-in':
        return { result: AuthorizeResult.ALLOW };
      case 'owner': {
        if (!isResourcePermission(request.permission, 'catalog-entity')) {
          return { result: AuthorizeResult.DENY };
        }
        const info = user!.info;
        const claims = await this.claimsOf(
          lower(info.userEntityRef),
          info.ownershipEntityRefs,
        );
        return createCatalogConditionalDecision(
          request.permission,
          catalogConditions.isEntityOwner({ claims }),
        );
      }
      default:
        return { result: AuthorizeResult.DENY };
    }
  }

  /** The user's ownership refs plus every ancestor of their groups. */
  async claimsOf(userRef: string, ownershipRefs: string[]): Promise<string[]> {
    const cached = this.cache.get(userRef);
    const ttl = this.options.cacheMillis ?? 60_000;
    if (cached && Date.now() - cached.at < ttl) return cached.claims;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const claims = new Set(ownershipRefs.map(lower));
    const queue = [...claims].filter(r => r.startsWith('group:'));
    while (queue.length) {
      const ref = queue.shift()!;
      try {
        const group = await this.options.catalog.getEntityByRef(ref, {
          credentials,
        });
        for (const rel of group?.relations ?? []) {
          const parent = lower(rel.targetRef);
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
