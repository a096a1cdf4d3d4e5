import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Grid,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CSV_COLUMNS,
  CsvImportPreview,
  CsvImportResult,
} from '@cloud-native-portal/plugin-toil-common';
import { useState } from 'react';
import { toilApiRef } from '../api';

/**
 * Upload, map columns, preview accepted and rejected rows, then confirm.
 * Nothing is written before the person confirms.
 */
export function ImportDialog(props: { onClose(): void; onImported(): void }) {
  const api = useApi(toilApiRef);
  const [file, setFile] = useState<File>();
  const [mapping, setMapping] = useState<Record<string, string | undefined>>();
  const [preview, setPreview] = useState<CsvImportPreview>();
  const [result, setResult] = useState<CsvImportResult>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  async function runPreview(f: File, m?: Record<string, string | undefined>) {
    setBusy(true);
    setError(undefined);
    try {
      const p = await api.previewImport(f, m);
      setPreview(p);
      setMapping(p.mapping);
    } catch (e) {
      setPreview(undefined);
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!file) return;
    setBusy(true);
    try {
      setResult(await api.applyImport(file, mapping));
      props.onImported();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={props.onClose} maxWidth="lg" fullWidth>
      <DialogTitle>Import a toil register (CSV)</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Columns: {CSV_COLUMNS.map(c => c.header).join(', ')}. UTF-8, at most 5
          MB and 10,000 rows.
        </Typography>
        <Button variant="outlined" component="label">
          Choose a CSV file
          <input
            hidden
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            onChange={e => {
              const f = e.target.files?.[0];
              if (!f) return;
              setFile(f);
              setResult(undefined);
              runPreview(f);
            }}
          />
        </Button>
        {file && <Typography variant="caption"> {file.name}</Typography>}
        {busy && <Progress />}
        {error && <Alert severity="error">{error.message}</Alert>}
        {result && (
          <Alert severity="success">
            Imported {result.applied} rows; {result.rejected.length} rejected
            rows were not written.
          </Alert>
        )}
        {preview && !result && (
          <>
            <Typography variant="h6">Column mapping</Typography>
            <Grid container spacing={1}>
              {CSV_COLUMNS.map(col => (
                <Grid item xs={3} key={col.field}>
                  <TextField
                    select
                    fullWidth
                    label={`${col.field}${col.required ? ' *' : ''}`}
                    value={mapping?.[col.field] ?? ''}
                    inputProps={{ 'aria-label': `column for ${col.field}` }}
                    onChange={e => {
                      const next = {
                        ...mapping,
                        [col.field]: e.target.value || undefined,
                      };
                      setMapping(next);
                      if (file) runPreview(file, next);
                    }}
                  >
                    <MenuItem value="">(not mapped)</MenuItem>
                    {preview.headers.map(h => (
                      <MenuItem key={h} value={h}>
                        {h}
                      </MenuItem>
                    ))}
                  </TextField>
                </Grid>
              ))}
            </Grid>
            {preview.warnings.map(w => (
              <Alert severity="info" key={w}>
                {w}
              </Alert>
            ))}
            <Typography variant="h6">
              Accepted rows ({preview.accepted.length})
            </Typography>
            <Table size="small" aria-label="accepted rows">
              <TableHead>
                <TableRow>
                  <TableCell>Line</TableCell>
                  <TableCell>Entity</TableCell>
                  <TableCell>Task</TableCell>
                  <TableCell>Category</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {preview.accepted.slice(0, 200).map(a => (
                  <TableRow key={a.line}>
                    <TableCell>{a.line}</TableCell>
                    <TableCell>{a.task.entityRef}</TableCell>
                    <TableCell>{a.task.task}</TableCell>
                    <TableCell>{a.task.category}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="h6">
              Rejected rows ({preview.rejected.length})
            </Typography>
            <Table size="small" aria-label="rejected rows">
              <TableHead>
                <TableRow>
                  <TableCell>Line</TableCell>
                  <TableCell>Reasons</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {preview.rejected.slice(0, 200).map(r => (
                  <TableRow key={r.line}>
                    <TableCell>{r.line}</TableCell>
                    <TableCell>{r.reasons.join('; ')}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{result ? 'Close' : 'Cancel'}</Button>
        {!result && (
          <Button
            color="primary"
            variant="contained"
            disabled={busy || !preview || preview.accepted.length === 0}
            onClick={confirm}
          >
            Import {preview?.accepted.length ?? 0} rows
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
