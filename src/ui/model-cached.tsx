import { formatBytes } from '../engines/model-progress.ts';
import { deleteCachedModel, keepDownloadedModels } from '../store/model-actions.ts';
import { useAppStore } from '../store/store.ts';

/** The models in the browser's storage, each with a Delete button, and the site storage. */
export function CachedModels() {
  const models = useAppStore((state) => state.modelManager.cachedModels);
  const storage = useAppStore((state) => state.modelManager.storage);
  const deleting = useAppStore((state) => state.modelManager.deletingModel);
  const problem = useAppStore((state) => state.modelManager.cacheProblem);
  return (
    <section aria-label="Cached models" className="model-cached">
      <h4>Downloaded models</h4>
      {models === undefined ? (
        <p className="hint">Looking in the browser's storage…</p>
      ) : models.length === 0 ? (
        <p className="hint">None yet. Models are stored in this browser after their first load.</p>
      ) : (
        <ul>
          {models.map((model) => (
            <li key={model.key}>
              {model.label} ({model.engine === 'webllm' ? 'WebGPU' : 'CPU'}): {model.bytes === undefined ? 'size unknown' : formatBytes(model.bytes)}
              {model.complete ? '' : ', incomplete'}{' '}
              <button type="button" aria-label={`Delete ${model.label}`} disabled={deleting === model.key} onClick={() => void deleteCachedModel(model)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {storage && <p className="hint">Site storage in use: {formatBytes(storage.usage)} of {formatBytes(storage.quota)}.</p>}
      {problem && <p className="error">{problem}</p>}
      {storage && !storage.persisted && (
        <button type="button" onClick={() => void keepDownloadedModels()}>
          Keep downloaded models
        </button>
      )}
    </section>
  );
}
