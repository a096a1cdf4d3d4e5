/** The average of a level distribution ({'1': n, ..., '5': n}), or undefined when empty. */
export function averageLevel(
  levels: Record<string, number> | undefined,
): number | undefined {
  if (!levels) return undefined;
  let total = 0;
  let count = 0;
  for (const [level, n] of Object.entries(levels)) {
    total += Number(level) * n;
    count += n;
  }
  return count ? total / count : undefined;
}

/** "L1 2 · L2 5" for a tooltip. */
export function distributionText(levels: Record<string, number>): string {
  return ['1', '2', '3', '4', '5']
    .filter(l => levels[l])
    .map(l => `L${l}: ${levels[l]}`)
    .join(' · ');
}

/** Group refs by their ancestry, for indentation and hierarchy order. */
export interface GroupTree {
  parentOf: Map<string, string>;
  titleOf: Map<string, string>;
}

/** The chain of ancestors of a group, root first. */
export function ancestorsOf(tree: GroupTree, ref: string): string[] {
  const chain: string[] = [];
  let current = tree.parentOf.get(ref);
  const seen = new Set<string>([ref]);
  while (current && !seen.has(current)) {
    chain.unshift(current);
    seen.add(current);
    current = tree.parentOf.get(current);
  }
  return chain;
}
