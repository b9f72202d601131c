app_name = "csm_extension"
app_title = "CSM Extension"
app_publisher = "csm_extension developers"
app_description = "Customer Success Management for ERPNext: onboarding, health scores, red flags, NPS, churn and LTV"
app_email = "dev@csm-extension.local"
app_license = "MIT"
required_apps = ["erpnext"]
export_python_type_annotations = True
