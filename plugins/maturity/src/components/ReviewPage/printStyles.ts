/**
 * The review on paper (Print / PDF). Only the portal's navigation and the
 * page's own controls are hidden. The review sits inside the sidebar's page
 * layout (BackstageSidebarPage), so the rules select by element, role label
 * and test id, never by a generated class name that this layout shares (or
 * that a production build renames). The page box, which scrolls at 100vh on
 * screen, flows over as many sheets as the review needs; the sidebar layout
 * drops its own left padding in print. Sheets are landscape, so the
 * components-by-dimension table keeps its columns readable; sections break
 * between table rows, never inside one.
 */
export const REVIEW_PRINT_CSS = `
@page {
  size: A4 landscape;
  margin: 10mm;
}
@media print {
  nav[aria-label="sidebar nav"],
  [data-testid="mobile-sidebar-root"],
  .maturity-no-print {
    display: none !important;
  }
  html, body, #root {
    height: auto !important;
    overflow: visible !important;
    background: #fff !important;
  }
  main[data-backstage-core-page] {
    display: block !important;
    height: auto !important;
    overflow: visible !important;
  }
  .maturity-review-section {
    break-inside: avoid;
    page-break-inside: avoid;
  }
  .maturity-review-section:has(table) {
    break-inside: auto;
    page-break-inside: auto;
  }
  tr {
    break-inside: avoid;
    page-break-inside: avoid;
  }
  thead {
    display: table-header-group;
  }
  th, td {
    word-break: normal !important;
    overflow-wrap: normal !important;
    hyphens: manual;
    font-size: 10px !important;
    padding: 4px 6px !important;
  }
  * {
    -webkit-print-color-adjust: exact;
    print-color-adjust: exact;
  }
}
`;
