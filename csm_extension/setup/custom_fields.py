"""The "Customer Success" fields the app adds to Customer."""


def _(text: str) -> str:
	"""Marks a label for translation without needing frappe at import time."""
	return text


LIFECYCLE_STAGES = ("Onboarding", "Adopting", "Mature", "At Risk", "Churned")
HEALTH_STATUSES = ("Green", "Amber", "Red", "Insufficient Data")

# Written only by the app (the daily pass, health checks, NPS answers): read-only in the form.
APP_WRITTEN = (
	"csm_health_score",
	"csm_health_status",
	"csm_last_health_check",
	"csm_next_health_check",
	"csm_last_nps_score",
	"csm_last_nps_date",
)

# Set by a CSM (Mark Churned, or the lifecycle stage by hand) or by the app (won back by a sale).
CSM_WRITTEN = ("csm_lifecycle_stage", "csm_churned_on", "csm_churn_reason", "csm_churn_competitor")

CUSTOM_FIELDS = {
	"Customer": [
		# A tab of its own, right after ERPNext's Details tab (whose last field is customer_details).
		{
			"fieldname": "csm_tab",
			"fieldtype": "Tab Break",
			"label": _("Customer Success"),
			"insert_after": "customer_details",
		},
		{
			"fieldname": "csm_section",
			"fieldtype": "Section Break",
			"insert_after": "csm_tab",
		},
		{
			"fieldname": "csm_summary_html",
			"fieldtype": "HTML",
			"label": _("Customer Success Summary"),
			"insert_after": "csm_section",
		},
		{
			"fieldname": "csm_details_section",
			"fieldtype": "Section Break",
			"insert_after": "csm_summary_html",
		},
		{
			"fieldname": "csm",
			"fieldtype": "Link",
			"options": "User",
			"label": _("CSM"),
			"insert_after": "csm_details_section",
			"in_standard_filter": 1,
			"description": _(
				"Customer Success Manager: receives onboarding, health-check and follow-up ToDos"
			),
		},
		{
			"fieldname": "csm_lifecycle_stage",
			"fieldtype": "Select",
			"options": "\n" + "\n".join(LIFECYCLE_STAGES),
			"label": _("Lifecycle Stage"),
			"insert_after": "csm",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "csm_churned_on",
			"fieldtype": "Date",
			"label": _("Churned On"),
			"insert_after": "csm_lifecycle_stage",
			"depends_on": "eval:doc.csm_lifecycle_stage == 'Churned'",
		},
		{
			"fieldname": "csm_churn_reason",
			"fieldtype": "Link",
			"options": "CSM Churn Reason",
			"label": _("Churn Reason"),
			"insert_after": "csm_churned_on",
			"depends_on": "eval:doc.csm_lifecycle_stage == 'Churned'",
			"mandatory_depends_on": "eval:doc.csm_lifecycle_stage == 'Churned'",
		},
		{
			"fieldname": "csm_churn_competitor",
			"fieldtype": "Data",
			"label": _("Lost to Competitor"),
			"insert_after": "csm_churn_reason",
			"depends_on": "eval:doc.csm_lifecycle_stage == 'Churned'",
		},
		{
			"fieldname": "csm_column_break",
			"fieldtype": "Column Break",
			"insert_after": "csm_churn_competitor",
		},
		{
			"fieldname": "csm_health_score",
			"fieldtype": "Int",
			"label": _("Health Score"),
			"insert_after": "csm_column_break",
			"read_only": 1,
			"no_copy": 1,
			# An Int column holds 0 where there is no score: shown only beside a scored status.
			"depends_on": "eval:['Green', 'Amber', 'Red'].includes(doc.csm_health_status)",
		},
		{
			"fieldname": "csm_health_status",
			"fieldtype": "Select",
			"options": "\n" + "\n".join(HEALTH_STATUSES),
			"label": _("Health Status"),
			"insert_after": "csm_health_score",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "csm_last_health_check",
			"fieldtype": "Date",
			"label": _("Last Health Check"),
			"insert_after": "csm_health_status",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "csm_next_health_check",
			"fieldtype": "Date",
			"label": _("Next Health Check"),
			"insert_after": "csm_last_health_check",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "csm_last_nps_score",
			"fieldtype": "Int",
			"label": _("Last NPS Score"),
			"insert_after": "csm_next_health_check",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.csm_last_nps_date",
		},
		{
			"fieldname": "csm_last_nps_date",
			"fieldtype": "Date",
			"label": _("Last NPS Answer On"),
			"insert_after": "csm_last_nps_score",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "csm_survey_opt_out",
			"fieldtype": "Check",
			"label": _("Opted out of NPS surveys"),
			"insert_after": "csm_last_nps_date",
			"description": _("No NPS survey emails go to this customer's contacts"),
		},
	]
}
