"""`bench --site SITE csm-daily-pass [--as-of DATE] [--dry-run]`."""

import json

import click
from frappe.commands import get_site, pass_context


@click.command("csm-daily-pass")
@click.option("--as-of", help="Run as of this date (YYYY-MM-DD); default today")
@click.option("--dry-run", is_flag=True, help="List what the pass would do and write nothing")
@click.option("--verbose", is_flag=True, help="Print every action, not only the counts")
@pass_context
def csm_daily_pass(context, as_of=None, dry_run=False, verbose=False):
	import frappe

	from csm_extension.services import daily_pass

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		report = daily_pass.run(as_of=as_of, dry_run=dry_run, force=True)
		if dry_run:
			frappe.db.rollback()
		else:
			frappe.db.commit()
		out = report.as_dict()
		if not verbose:
			out.pop("actions")
		click.echo(json.dumps(out, indent=1, default=str))
	finally:
		frappe.destroy()


commands = [csm_daily_pass]
