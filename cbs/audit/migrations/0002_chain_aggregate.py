"""cbs_chain_link(start, content): the log's hash chain as a PostgreSQL aggregate.

Used as a running window aggregate it gives each row its link: the previous hash followed by
sha256(previous hash || content) (128 hex characters), the first row chaining onto `start` –
exactly what cbs.audit.chain.digest() computes in Python, so bulk appends (imports) chain
their records inside the database and verify() checks them the same.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION cbs_chain_link_step(state text, start text, content text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    prev text := coalesce(right(state, 64), start);
BEGIN
    RETURN prev || encode(sha256(convert_to(prev || content, 'UTF8')), 'hex');
END $$;
CREATE AGGREGATE cbs_chain_link(text, text) (SFUNC = cbs_chain_link_step, STYPE = text);
"""
DROP = "DROP AGGREGATE cbs_chain_link(text, text); DROP FUNCTION cbs_chain_link_step(text, text, text);"


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
