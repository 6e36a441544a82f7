import { Link } from 'react-router';

/** Aliases as badges, each linking to the version it names. */
export function AliasBadges({ model, aliases }: { model: string; aliases: Readonly<Record<string, number>> }) {
  const entries = Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {entries.map(([alias, version]) => (
        <Link key={alias} className="badge alias" to={`/models/${encodeURIComponent(model)}/versions/${version}`} aria-label={`alias ${alias}: version ${version}`}>
          @{alias} → v{version}
        </Link>
      ))}
    </>
  );
}
