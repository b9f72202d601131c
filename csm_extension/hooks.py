app_name = "csm_extension"
app_title = "CSM Extension"
app_publisher = "csm_extension developers"
app_description = (
	"Customer Success Management for ERPNext: onboarding, health scores, red flags, NPS, churn and LTV"
)
app_email = "dev@csm-extension.local"
app_license = "MIT"
# "org/repo" form: a bare "erpnext" makes install-app ask the GitHub API for the org.
required_apps = ["frappe/erpnext"]
export_python_type_annotations = True

after_install = "csm_extension.setup.install.after_install"
before_uninstall = "csm_extension.setup.install.before_uninstall"
# A fresh test site gets ERPNext's test setup (Company, fiscal year) before the app's tests.
before_tests = "csm_extension.tests.setup_site.before_tests"

doc_events = {
	"Sales Invoice": {
		"on_submit": "csm_extension.overrides.sales_invoice.on_submit",
		"on_cancel": "csm_extension.overrides.sales_invoice.on_cancel",
	},
	"Customer": {
		"validate": "csm_extension.overrides.customer.validate",
		"on_update": "csm_extension.overrides.customer.on_update",
	},
	"ToDo": {
		"on_update": "csm_extension.overrides.todo.on_update",
	},
}

scheduler_events = {
	"daily": ["csm_extension.tasks.daily_surveys"],
	"daily_long": ["csm_extension.tasks.daily"],
}

doctype_js = {"Customer": "public/js/customer.js"}
