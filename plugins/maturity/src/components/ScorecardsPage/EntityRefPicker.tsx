import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';

/** One entity offered by {@link EntityRefPicker}. */
export interface EntityOption {
  ref: string;
  title: string;
}

/**
 * Picks one catalog entity of a kind (System, Group, ...) by title, like the
 * scaffolder's EntityPicker, and hands back its entity ref. The label is
 * attached to the input, so assistive technology (and getByLabelText) finds
 * it.
 */
export function EntityRefPicker(props: {
  id: string;
  label: string;
  kind: string;
  value: string;
  onChange: (ref: string) => void;
  helperText?: string;
}) {
  const catalogApi = useApi(catalogApiRef);
  const options = useAsync(async (): Promise<EntityOption[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: props.kind },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items
      .map(e => ({
        ref: stringifyEntityRef(e),
        title: e.metadata.title ?? e.metadata.name,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi, props.kind]);

  const list = options.value ?? [];
  const selected = list.find(o => o.ref === props.value) ?? null;
  return (
    <Autocomplete<EntityOption>
      id={props.id}
      options={list}
      loading={options.loading}
      value={selected}
      onChange={(_, option) => props.onChange(option?.ref ?? '')}
      getOptionLabel={o => o.title}
      getOptionSelected={(a, b) => a.ref === b.ref}
      renderOption={o => (
        <span>
          {o.title}{' '}
          <span style={{ opacity: 0.6, fontSize: '0.85em' }}>{o.ref}</span>
        </span>
      )}
      renderInput={params => (
        <TextField
          {...params}
          margin="dense"
          label={props.label}
          placeholder="Any"
          error={!!options.error}
          helperText={
            options.error
              ? `Could not load ${props.kind} entities: ${options.error.message}`
              : props.helperText
          }
        />
      )}
    />
  );
}
