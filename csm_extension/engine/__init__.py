"""The CSM engine: pure Python, no frappe. Facts -> health score -> red flags -> follow-up plan."""
