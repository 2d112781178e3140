"""The directory cache never trusts a snapshot that may predate one of this process's commits."""

from __future__ import annotations

from liaison.db import make_engine
from liaison.queries.snapshot import DirectoryCache


def test_a_commit_during_a_refresh_keeps_the_cache_untrusted(world_db_url):
    engine = make_engine(world_db_url)
    cache = DirectoryCache(engine, check_interval=3600)
    cache.refresh()
    cache._thread = object()  # type: ignore[assignment]  # pretend the refresher runs: no interval checks
    assert cache.fresh() is not None

    real = cache._stored_revision

    def revision_then_a_commit_lands() -> int:
        value = real()
        cache.mark_dirty()  # a commit of this process, after the revision was read
        return value

    cache._stored_revision = revision_then_a_commit_lands  # type: ignore[method-assign]
    cache.mark_dirty()
    cache.refresh()
    assert cache.fresh() is None  # the commit during the refresh is not covered yet
    cache._stored_revision = real  # type: ignore[method-assign]
    cache.refresh()
    assert cache.fresh() is not None
    cache._thread = None
    engine.dispose()


def test_only_directory_changes_invalidate(api):
    st = api.client.app.state.liaison
    st.cache.refresh()
    before = st.cache._marks
    api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/FR")
    st.read_audit.flush()  # an audit-only commit
    assert st.cache._marks == before
    api.as_("fr.cp").patch(f"/api/v1/contact-points/{api.world.ids['claire']}", json={"notes": "x"})
    assert st.cache._marks != before
