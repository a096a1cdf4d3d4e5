import {
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CatalogSnapshot,
  openSourceTree,
} from '@cloud-native-portal/plugin-maturity-node';
import {
  computeOwnershipReport,
  DEFAULT_OWNED_KINDS,
} from './computeOwnership';
import { EntityOwnership, OwnershipReport } from './types';

/** Options of {@link OwnershipService}. */
export interface OwnershipServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  urlReader?: UrlReaderService;
  allowedLocalRoots: string[];
  kinds?: string[];
  placeholderOwners?: string[];
  fixTemplateRef?: string;
  /** Component types expected to have on-call (see computeOwnership). */
  oncallComponentTypes?: string[];
  /** How long a report is served before a request recomputes it. */
  ttlMs: number;
  /**
   * How long a report that checked no entity is served. The catalog may still
   * be ingesting at startup, so an empty report is recomputed soon instead of
   * being served for the whole TTL. Default: 15 s.
   */
  emptyTtlMs?: number;
}

/**
 * Computes the ownership report from the whole catalog and keeps it in
 * memory, so a page view does not re-read every repository. A scheduled task
 * refreshes it; concurrent refreshes share one computation.
 */
export class OwnershipService {
  private report?: { value: OwnershipReport; at: number };
  private inFlight?: Promise<OwnershipReport>;

  constructor(private readonly options: OwnershipServiceOptions) {}

  /** The cached report, recomputed when older than the TTL. */
  async getReport(): Promise<OwnershipReport> {
    if (this.report && Date.now() - this.report.at < this.ttlOf(this.report)) {
      return this.report.value;
    }
    return this.refresh();
  }

  private ttlOf(report: { value: OwnershipReport }): number {
    return report.value.coverage.total === 0
      ? Math.min(this.options.emptyTtlMs ?? 15_000, this.options.ttlMs)
      : this.options.ttlMs;
  }

  /** Whether entities of this kind are checked. */
  checksKind(kind: string): boolean {
    return (this.options.kinds ?? DEFAULT_OWNED_KINDS).some(
      k => k.toLowerCase() === kind.toLowerCase(),
    );
  }

  /**
   * One entity's ownership. An entity missing from the cached report (new
   * since the last refresh) triggers a refresh, at most once a minute.
   */
  async getEntity(ref: string): Promise<EntityOwnership | undefined> {
    const found = (await this.getReport()).entities.get(ref);
    if (found || !this.report || Date.now() - this.report.at < 60_000) {
      return found;
    }
    return (await this.refresh()).entities.get(ref);
  }

  /** Recomputes the report now (joining a refresh already running). */
  refresh(): Promise<OwnershipReport> {
    if (!this.inFlight) {
      this.inFlight = this.compute()
        .then(value => {
          this.report = { value, at: Date.now() };
          return value;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  private async compute(): Promise<OwnershipReport> {
    const started = Date.now();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const snapshot = await CatalogSnapshot.forAll(
      this.options.catalog,
      credentials,
    );
    const report = await computeOwnershipReport(snapshot, {
      kinds: this.options.kinds,
      placeholderOwners: this.options.placeholderOwners,
      fixTemplateRef: this.options.fixTemplateRef,
      oncallComponentTypes: this.options.oncallComponentTypes,
      openTree: entity =>
        openSourceTree(entity, {
          urlReader: this.options.urlReader,
          allowedLocalRoots: this.options.allowedLocalRoots,
        }),
    });
    this.options.logger.info(
      `Ownership: ${report.coverage.total} entities checked, ${
        report.coverage.percentage ?? 0
      }% with a valid group owner, in ${Date.now() - started} ms`,
    );
    return report;
  }
}
