import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import type { MaturityFilters } from '../../api';

/** The filters of the scorecards page: system, domain, lifecycle and tag. */
export function Filters(props: {
  value: MaturityFilters;
  onChange: (value: MaturityFilters) => void;
}) {
  const { value, onChange } = props;
  const catalogApi = useApi(catalogApiRef);
  const options = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: ['System', 'Domain'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    const of = (kind: string) =>
      items
        .filter(e => e.kind === kind)
        .map(e => ({
          ref: stringifyEntityRef(e),
          title: e.metadata.title ?? e.metadata.name,
        }))
        .sort((a, b) => a.title.localeCompare(b.title));
    return { systems: of('System'), domains: of('Domain') };
  }, [catalogApi]);

  const set = (key: keyof MaturityFilters, v: string) =>
    onChange({ ...value, [key]: v || undefined });

  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <TextField
        select
        label="System"
        value={value.system ?? ''}
        onChange={e => set('system', e.target.value)}
        style={{ minWidth: 200 }}
        helperText={options.error ? 'Could not load systems' : undefined}
      >
        <MenuItem value="">All systems</MenuItem>
        {(options.value?.systems ?? []).map(s => (
          <MenuItem key={s.ref} value={s.ref}>
            {s.title}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Domain"
        value={value.domain ?? ''}
        onChange={e => set('domain', e.target.value)}
        style={{ minWidth: 200 }}
      >
        <MenuItem value="">All domains</MenuItem>
        {(options.value?.domains ?? []).map(s => (
          <MenuItem key={s.ref} value={s.ref}>
            {s.title}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Lifecycle"
        value={value.lifecycle ?? ''}
        onChange={e => set('lifecycle', e.target.value)}
        style={{ minWidth: 160 }}
      >
        <MenuItem value="">All lifecycles</MenuItem>
        {['production', 'experimental', 'deprecated'].map(l => (
          <MenuItem key={l} value={l}>
            {l}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Tag"
        value={value.tag ?? ''}
        onChange={e => set('tag', e.target.value.trim())}
        style={{ minWidth: 160 }}
      />
    </Box>
  );
}
