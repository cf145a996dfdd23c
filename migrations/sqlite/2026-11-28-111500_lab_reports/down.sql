DROP TABLE lab_report_files;
