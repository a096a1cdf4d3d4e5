declare module 'is-git-branch-name-valid' {
  /** Whether `name` is a branch name git accepts (`git check-ref-format --branch`). */
  function isGitBranchNameValid(name: string): boolean;
  export = isGitBranchNameValid;
}
